-- cee_neighbourhood_share: mobilities (students and staff, both directions) with partners in
-- Central and Eastern Europe or the EU neighbourhood as a share (%) of all mobilities with a
-- partner country in the countries reference.
select m.academic_year, 'all' /* breakdown: stays */ as grp,
       coalesce(sum(m.headcount) filter (where m.partner_cee or m.partner_neighbourhood), 0)
           as numerator,
       sum(m.headcount) as denominator
from stay_groups m
where m.partner_listed
  and in_years(m.academic_year, $year_from, $year_to)
  and chosen(m.faculty, $faculties)
  and in_scope(m.faculty, $scoped, $allowed_faculties)
  and chosen(m.programme_code, $programmes)
  and chosen(m.cycle, $cycles)
group by all
