-- graduates_with_stays: graduates with their programme's faculty and whether the graduate's
-- outgoing stays in the same cycle before graduating, summed, qualify for the EU benchmark;
-- built once per publish (matching each graduate's stays is what took a KPI query hundreds of
-- milliseconds). One row per group of graduates alike in every column a KPI reads, headcount
-- summed; has_student_key says whether the group's records name their student (aggregated
-- rows without a key have no stays to match).
with graduate as (
    select row_number() over () as graduate_row, g.*, p.faculty
    from graduates g
    left join programmes p on p.programme_code = g.programme_code
),

qualifying as (
    -- an inner join: only the few graduates with stays are aggregated
    select g.graduate_row
    from graduate g
    join mobility m
      on m.person_key = g.student_key
     and m.participant = 'student' and m.direction = 'outgoing'
     and benchmark_activity(m.activity)
     and (m.cycle is null or m.cycle = g.cycle)
     and (g.graduation_date is null or m.start_date <= g.graduation_date
          -- a stay given by academic year only: not after the graduation year
          or (m.start_date is null and m.academic_year <= g.academic_year))
    group by g.graduate_row
    having long_enough(sum(m.duration_days), sum(m.ects_earned))
),

final as (
    select graduate.academic_year, graduate.cycle, graduate.programme_code, graduate.faculty,
           graduate.gender, graduate.prior_education_country, graduate.credit_mobile,
           graduate.student_key is not null as has_student_key,
           qualifying.graduate_row is not null as has_qualifying_stays,
           sum(graduate.headcount)::bigint as headcount
    from graduate
    left join qualifying using (graduate_row)
    group by all
)

select * from final
