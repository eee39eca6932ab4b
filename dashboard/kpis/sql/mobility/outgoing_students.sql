-- outgoing_students: outgoing student mobilities (headcount), every activity and length.
select m.academic_year, 'all' /* breakdown: stays */ as grp, sum(m.headcount) as numerator
from stay_groups m
where m.participant = 'student' and m.direction = 'outgoing'
  and in_years(m.academic_year, $year_from, $year_to)
  and chosen(m.faculty, $faculties)
  and in_scope(m.faculty, $scoped, $allowed_faculties)
  and chosen(m.programme_code, $programmes)
  and chosen(m.cycle, $cycles)
group by all
