-- enrolled_students: students enrolled on 1 October (every enrolment type) with their
-- programme's faculty, built once per publish. One row per group of enrolments alike in
-- every column a KPI reads, headcount summed: the KPIs sum headcounts or count distinct
-- values of these columns, so the groups give the numbers the rows give, from a table about
-- a tenth of the size (3.1 million enrolments are 0.25 million groups in the demo at scale 10).
with enrolled as (
    select e.*, p.faculty
    from enrolments e
    left join programmes p on p.programme_code = e.programme_code
    where e.population = 'enrolled'
),

final as (
    select academic_year, programme_code, faculty, cycle, enrolment_type, gender,
           nationality, second_nationality, prior_education_country,
           sum(headcount)::bigint as headcount
    from enrolled
    group by all
)

select * from final
