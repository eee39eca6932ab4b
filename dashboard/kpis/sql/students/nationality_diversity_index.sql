-- nationality_diversity_index: exp(Shannon entropy) of the degree students' nationalities,
-- the effective number of nationalities; the denominator is the students counted.
with counts as (
    select e.academic_year, 'all' /* breakdown: students */ as grp, e.nationality,
           sum(e.headcount) as n
    from degree_enrolments e
    where counted_nationality(e.nationality)
      and in_years(e.academic_year, $year_from, $year_to)
      and chosen(e.faculty, $faculties)
      and in_scope(e.faculty, $scoped, $allowed_faculties)
      and chosen(e.programme_code, $programmes)
      and chosen(e.cycle, $cycles)
    group by all
),

shares as (
    select *, n / sum(n) over (partition by academic_year, grp) as share from counts
),

final as (
    select academic_year, grp, exp(-sum(share * ln(share))) as value, sum(n) as denominator
    from shares
    group by all
)

select * from final
