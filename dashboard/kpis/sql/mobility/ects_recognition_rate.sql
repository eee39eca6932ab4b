-- ects_recognition_rate: ECTS recognised as a share (%) of ECTS earned abroad on study
-- stays; _people (headcount behind the credits) lets a rate on too few be withheld.
select m.academic_year, 'all' /* breakdown: stays */ as grp,
       sum(m.ects_recognised) as numerator, sum(m.ects_earned) as denominator,
       sum(m.headcount) as _people
from outgoing_student_stays m
where recognition_activity(m.activity)
  and m.ects_earned > 0 and m.ects_recognised is not null
  and in_years(m.academic_year, $year_from, $year_to)
  and chosen(m.faculty, $faculties)
  and in_scope(m.faculty, $scoped, $allowed_faculties)
  and chosen(m.programme_code, $programmes)
  and chosen(m.cycle, $cycles)
group by all
