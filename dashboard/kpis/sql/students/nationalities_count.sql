-- nationalities_count: distinct nationalities among enrolled students (every enrolment
-- type) and staff. Staff have no programme or cycle: a programme or cycle selection
-- ($students_only) counts students only.
with people as (
    select e.academic_year, 'students' as population, e.nationality, e.faculty
    from enrolled_students e
    where in_years(e.academic_year, $year_from, $year_to)
      and chosen(e.faculty, $faculties)
      and in_scope(e.faculty, $scoped, $allowed_faculties)
      and chosen(e.programme_code, $programmes)
      and chosen(e.cycle, $cycles)

    union all

    select s.reference_year, 'staff', s.nationality, s.faculty
    from staff_groups s
    where not $students_only
      and in_years(s.reference_year, $year_from, $year_to)
      and chosen(s.faculty, $faculties)
      and in_scope(s.faculty, $scoped, $allowed_faculties)
),

final as (
    select academic_year, 'all' /* breakdown: people */ as grp,
           count(distinct nationality) as numerator
    from people
    where nationality not in ('unknown', 'stateless', 'not_available')
    group by all
)

select * from final
