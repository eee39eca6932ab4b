-- outgoing_mobility_rate_bachelor, _master, _phd: graduates of the cycle ($cycle) who were
-- credit-mobile, or whose qualifying stays summed reach the benchmark, as a share (%) of
-- the cycle's graduates. The Eurostat reading (default): graduates who came from abroad for
-- their whole degree are degree-mobile graduates of their country of origin, left out of
-- both counts; the graduate_origin breakdown keeps every graduate (the other reading).
with grads as (
    select g.academic_year, 'all' /* breakdown: graduates */ as grp, g.has_student_key,
           g.headcount, g.credit_mobile, g.has_qualifying_stays
    from graduates_with_stays g
    where g.cycle = $cycle
      and in_years(g.academic_year, $year_from, $year_to)
      and chosen(g.faculty, $faculties)
      and in_scope(g.faculty, $scoped, $allowed_faculties)
      and chosen(g.programme_code, $programmes)
      and ($by = 'graduate_origin' or not degree_mobile(g.prior_education_country, $home))
),

final as (
    select academic_year, grp,
           coalesce(sum(headcount) filter (
               where coalesce(credit_mobile, false)
                  or (has_student_key and has_qualifying_stays)
           ), 0) as numerator,
           -- aggregated rows without a credit-mobile flag say nothing: left out
           coalesce(sum(headcount) filter (
               where has_student_key or credit_mobile is not null
           ), 0) as denominator
    from grads
    group by all
)

select * from final
