-- outgoing_participation_rate: students with a qualifying outgoing stay in the year per 100
-- enrolled degree students (%). With $cycle (the graduate mobility rate's fallback for
-- years without graduate records) one cycle only.
with enrolled as (
    select e.academic_year, 'all' /* breakdown: students */ as grp,
           sum(e.headcount) as denominator
    from degree_enrolments e
    where ($cycle is null or e.cycle = $cycle)
      and in_years(e.academic_year, $year_from, $year_to)
      and chosen(e.faculty, $faculties)
      and in_scope(e.faculty, $scoped, $allowed_faculties)
      and chosen(e.programme_code, $programmes)
      and chosen(e.cycle, $cycles)
    group by all
),

movers as (
    -- people, not stays: a person with two stays counts once (person_id numbers the
    -- students of the qualifying stays, see the mart); aggregated rows by headcount
    select m.academic_year, 'all' /* breakdown: stays */ as grp,
           count(distinct m.person_id)
           + coalesce(sum(m.headcount) filter (where m.person_key is null), 0) as numerator
    from qualifying_movers m
    where ($cycle is null or m.cycle = $cycle)
      and in_years(m.academic_year, $year_from, $year_to)
      and chosen(m.faculty, $faculties)
      and in_scope(m.faculty, $scoped, $allowed_faculties)
      and chosen(m.programme_code, $programmes)
      and chosen(m.cycle, $cycles)
    group by all
),

final as (
    select academic_year, grp, coalesce(numerator, 0) as numerator, denominator
    from enrolled
    left join movers using (academic_year, grp)
)

select * from final
