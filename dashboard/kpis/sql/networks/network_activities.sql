-- network_activities: activities within networks in the academic year, with their
-- participants.
select a.academic_year, 'all' /* breakdown: network_activities */ as grp,
       count(*) as numerator, sum(a.participants) as participants
from network_activities a
left join networks n on n.network_code = a.network_code
where in_years(a.academic_year, $year_from, $year_to)
  and chosen(a.faculty, $faculties)
  and in_scope(a.faculty, $scoped, $allowed_faculties)
group by all
