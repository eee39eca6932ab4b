-- staff_mobility_rate ($staff_type 'academic'), staff_mobility_rate_support ('support'):
-- trips of one staff group per 100 staff of that group. A trip's group is its traveller's
-- staff record of the same reference year; a trip without such a record counts as academic
-- (the catalogue's reading, kept where the data cannot tell).
with group_staff as (
    select s.reference_year as academic_year, 'all' /* breakdown: staff_units */ as grp,
           sum(s.headcount) as denominator
    from staff_groups s
    where s.staff_type = $staff_type
      and in_years(s.reference_year, $year_from, $year_to)
      and chosen(s.faculty, $faculties)
      and in_scope(s.faculty, $scoped, $allowed_faculties)
    group by all
),

trips as (
    select m.academic_year, 'all' /* breakdown: stays */ as grp, sum(m.headcount) as numerator
    from staff_trips m
    where if($staff_type = 'support', m.staff_type = 'support',
             m.staff_type is distinct from 'support')
      and in_years(m.academic_year, $year_from, $year_to)
      and chosen(m.faculty, $faculties)
      and in_scope(m.faculty, $scoped, $allowed_faculties)
    group by all
),

final as (
    -- By faculty, every unit with staff of the group or trips of the group is a row: a unit
    -- without staff of the group keeps its trips (denominator 0, value withheld), one
    -- without trips shows 0 — none is dropped. Otherwise each year's trips (per activity)
    -- are set against all staff of the group.
    select coalesce(t.academic_year, a.academic_year) as academic_year,
           coalesce(t.grp, a.grp) as grp,
           coalesce(t.numerator, 0) as numerator,
           coalesce(a.denominator, 0) as denominator
    from trips t
    full join group_staff a
      on a.academic_year = t.academic_year and ($by <> 'faculty' or a.grp = t.grp)
    where $by = 'faculty' or (t.academic_year is not null and a.academic_year is not null)
)

select * from final
