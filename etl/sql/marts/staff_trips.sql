-- staff_trips: outgoing staff teaching and training trips, with the traveller's staff type
-- from the staff record of the same reference year (null when there is none); built once
-- per publish.
select m.*, s.staff_type
from mobility m
left join (
    select staff_key, reference_year, any_value(staff_type) as staff_type
    from staff
    where staff_key is not null
    group by all
) s on s.staff_key = m.person_key and s.reference_year = m.academic_year
where m.participant = 'staff' and m.direction = 'outgoing'
  and staff_mobility_activity(m.activity)
