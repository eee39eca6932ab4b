-- active_networks: networks the university is a member of in the academic year.
with years as (
    select unnest(range($year_from, $year_to + 1)) as academic_year
),

final as (
    select y.academic_year, 'all' /* breakdown: networks */ as grp, count(*) as numerator
    from years y
    join networks n
      on n.member_since <= y.academic_year
     and (n.member_until is null or n.member_until >= y.academic_year)
    group by all
)

select * from final
