-- fewer_opportunities_share: outgoing student mobilities by students flagged with fewer
-- opportunities as a share (%) of all outgoing student mobilities.
select m.academic_year, 'all' /* breakdown: stays */ as grp,
       coalesce(sum(m.headcount) filter (where coalesce(m.fewer_opportunities, false)), 0)
           as numerator,
       sum(m.headcount) as denominator
from stay_groups m
where m.participant = 'student' and m.direction = 'outgoing'
  and in_years(m.academic_year, $year_from, $year_to)
  and chosen(m.faculty, $faculties)
  and in_scope(m.faculty, $scoped, $allowed_faculties)
  and chosen(m.programme_code, $programmes)
  and chosen(m.cycle, $cycles)
group by all
