-- erasmus_cooperation_projects: Erasmus+ cooperation projects active in the academic year
-- (1 September Y to 31 August Y+1), with their EU grant.
with years as (
    select unnest(range($year_from, $year_to + 1)) as academic_year
),

final as (
    select y.academic_year, 'all' /* breakdown: projects */ as grp, count(*) as numerator,
           sum(pr.eu_grant_eur) as eu_grant_eur
    from years y
    join projects pr
      on pr.start_date <= make_date(y.academic_year + 1, 8, 31)
     and pr.end_date >= make_date(y.academic_year, 9, 1)
    left join networks n on n.network_code = pr.network_code
    where cooperation_action(pr.action_type)
      and in_years(y.academic_year, $year_from, $year_to)
      and chosen(pr.faculty, $faculties)
      and in_scope(pr.faculty, $scoped, $allowed_faculties)
    group by all
)

select * from final
