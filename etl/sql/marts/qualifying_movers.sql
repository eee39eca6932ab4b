-- qualifying_movers: the outgoing students' qualifying stays (the stays mart's qualifying
-- flag, the EU benchmark's rule), one row per student, year, faculty, programme and cycle
-- (aggregated rows without a key grouped likewise, headcount summed), with person_id numbering
-- the students: the same student has the same number in every row, so count(distinct
-- person_id) counts what count(distinct person_key) counts, on numbers instead of text and
-- on the qualifying stays only (what the yearly participation rate spent most of its time on).
with movers as (
    select academic_year, faculty, programme_code, cycle, person_key,
           sum(headcount)::bigint as headcount
    from stays
    where participant = 'student' and direction = 'outgoing' and qualifying
    group by all
),

final as (
    select *,
           case when person_key is not null then dense_rank() over (order by person_key) end
               as person_id
    from movers
)

select * from final
