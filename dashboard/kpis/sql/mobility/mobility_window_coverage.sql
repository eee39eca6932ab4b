-- mobility_window_coverage: bachelor programmes with degree students in the year that have a
-- mobility window, as a share (%) of those programmes.
with offered as (
    select distinct e.academic_year, e.programme_code
    from degree_enrolments e
    where e.cycle = 'bachelor'
      and in_years(e.academic_year, $year_from, $year_to)
),

final as (
    select o.academic_year, 'all' /* breakdown: programmes */ as grp,
           count(*) filter (where coalesce(p.mobility_window, false)) as numerator,
           count(*) as denominator
    from offered o
    join programmes p on p.programme_code = o.programme_code
    where in_years(o.academic_year, $year_from, $year_to)
      and chosen(p.faculty, $faculties)
      and in_scope(p.faculty, $scoped, $allowed_faculties)
      and chosen(p.programme_code, $programmes)
    group by all
)

select * from final
