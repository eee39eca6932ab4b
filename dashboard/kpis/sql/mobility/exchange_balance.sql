-- exchange_balance: incoming per outgoing student exchange stays (ratio), like for like:
-- the same activities and length rule on both sides (balance_stay).
select m.academic_year, 'all' /* breakdown: stays */ as grp,
       coalesce(sum(m.headcount) filter (where m.direction = 'incoming'), 0) as numerator,
       coalesce(sum(m.headcount) filter (where m.direction = 'outgoing'), 0) as denominator
from stay_groups m
where m.participant = 'student' and m.balance
  and in_years(m.academic_year, $year_from, $year_to)
  and chosen(m.faculty, $faculties)
  and in_scope(m.faculty, $scoped, $allowed_faculties)
  and chosen(m.programme_code, $programmes)
  and chosen(m.cycle, $cycles)
group by all
