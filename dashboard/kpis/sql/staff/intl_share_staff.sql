-- intl_share_staff, intl_share_academic_staff ($staff_type 'academic'; null: all staff):
-- staff with a nationality other than the home country as a share (%) of all staff with a
-- known nationality, headcount on the reference date. Staff records carry no prior
-- education: the nationality basis always. By nationality, region or world region the share
-- is the composition instead.
with base as (
    select s.reference_year as academic_year,
           'all' /* breakdown: staff */ as grp,
           status_by_nationality(s.nationality, s.second_nationality, $home) as status,
           s.headcount
    from staff_groups s
    where in_years(s.reference_year, $year_from, $year_to)
      and chosen(s.faculty, $faculties)
      and in_scope(s.faculty, $scoped, $allowed_faculties)
      and ($staff_type is null or s.staff_type = $staff_type)
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
