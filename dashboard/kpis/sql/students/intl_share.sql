-- intl_share_bachelor, intl_share_master, intl_share_phd: international degree students of
-- the cycle ($cycle) as a share (%) of all its degree students with a known status, by the
-- selected basis ($basis). By nationality, region or world region the share is the
-- composition instead: each group's share of everyone with a known status.
with base as (
    select e.academic_year,
           'all' /* breakdown: students */ as grp,
           international_status(e.nationality, e.second_nationality,
                                e.prior_education_country, $basis, $home) as status,
           e.headcount
    from degree_enrolments e
    where e.cycle = $cycle
      and in_years(e.academic_year, $year_from, $year_to)
      and chosen(e.faculty, $faculties)
      and in_scope(e.faculty, $scoped, $allowed_faculties)
      and chosen(e.programme_code, $programmes)
),

shares as (
    select academic_year, grp,
           coalesce(sum(headcount) filter (where status = 'international'), 0) as numerator,
           coalesce(sum(headcount) filter (where status in ('home', 'international')), 0)
               as denominator,
           sum(headcount) filter (where status = 'not_available') as _unavailable
    from base
    where $by not in ('nationality', 'nationality_region', 'world_region')
    group by all
),

composition_groups as (
    select academic_year, grp,
           sum(headcount) filter (where status in ('home', 'international')) as numerator,
           sum(headcount) filter (where status = 'not_available') as _unavailable
    from base
    where $by in ('nationality', 'nationality_region', 'world_region')
    group by all
),

composition as (
    select academic_year, grp, numerator,
           sum(numerator) over (partition by academic_year) as denominator,
           _unavailable
    from composition_groups
    where numerator > 0 or _unavailable > 0
),

final as (
    select * from shares
    union all by name
    select * from composition
)

select academic_year, grp, numerator, denominator, _unavailable from final
