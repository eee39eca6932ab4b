-- partner_agreements: agreements in force in the academic year, with their places.
with years as (
    select unnest(range($year_from, $year_to + 1)) as academic_year
),

final as (
    select y.academic_year, 'all' /* breakdown: agreements */ as grp, count(*) as numerator,
           sum(a.places_outgoing) as places_outgoing,
           sum(a.places_incoming) as places_incoming
    from years y
    join agreements a
      on a.start_year <= y.academic_year
     and (a.end_year is null or a.end_year >= y.academic_year)
    left join countries pc on pc.iso2 = a.partner_country
    where in_years(y.academic_year, $year_from, $year_to)
      and chosen(a.faculty, $faculties)
      and in_scope(a.faculty, $scoped, $allowed_faculties)
    group by all
)

select * from final
