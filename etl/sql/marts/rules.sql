-- The rules of the KPI definitions as SQL macros, shared by the marts the ETL builds at
-- every publish (etl/sql/marts/*.sql) and by every KPI's SQL file (dashboard/kpis/sql/). They
-- live with the ETL because the ETL never imports the dashboard, while the dashboard reads
-- this file. The values mirror dashboard/kpis/registry.py (tests/kpis/test_kpi_layer_golden.py
-- checks that they agree). Read this file into a DuckDB shell before a KPI's file:
--     .read etl/sql/marts/rules.sql

-- A stay counting toward the EU benchmark: long study or traineeship (combined included),
-- >= 90 days or >= 15 ECTS (Council Recommendation "Europe on the Move", 2024).
create or replace temp macro qualifying_stay(activity, duration_days, ects_earned) as
    activity in ('study', 'traineeship', 'combined')
    and (coalesce(duration_days, 0) >= 90 or coalesce(ects_earned, 0) >= 15);

-- Summed over a graduate's stays: days and credits (the benchmark's length rule).
create or replace temp macro long_enough(total_days, total_ects) as
    coalesce(total_days, 0) >= 90 or coalesce(total_ects, 0) >= 15;

create or replace temp macro benchmark_activity(activity) as
    activity in ('study', 'traineeship', 'combined');

-- The exchange balance compares like with like on both sides (issue 11); a stay whose length
-- and credits are both unrecorded (aggregated exchange rows) counts.
create or replace temp macro balance_stay(activity, duration_days, ects_earned) as
    activity in ('study', 'traineeship', 'combined')
    and ((duration_days is null and ects_earned is null)
         or coalesce(duration_days, 0) >= 90 or coalesce(ects_earned, 0) >= 15);

create or replace temp macro blended_or_virtual(activity) as
    activity in ('blended_intensive', 'virtual_exchange');

create or replace temp macro staff_mobility_activity(activity) as
    activity in ('staff_teaching', 'staff_training');

-- Study activities whose credits are recognised at home.
create or replace temp macro recognition_activity(activity) as
    activity in ('study', 'combined');

create or replace temp macro cooperation_action(action_type) as
    action_type in ('cooperation_partnership', 'alliance_for_innovation',
                    'european_university', 'capacity_building', 'jean_monnet', 'other');

-- Nationalities that are no nationality: left out of counts and regions.
create or replace temp macro counted_nationality(nationality) as
    nationality not in ('unknown', 'not_available');

-- Inward degree-mobile graduate: prior (secondary) education abroad, the Eurostat/UOE
-- "country of origin".
create or replace temp macro degree_mobile(prior_education_country, home) as
    (prior_education_country is not null and prior_education_country <> home);

-- A person's status: home, international, unknown or not_available. Dual nationals holding
-- the home nationality are home.
create or replace temp macro status_by_nationality(nationality, second_nationality, home) as
    case when nationality = 'not_available' then 'not_available'
         when nationality = home or coalesce(second_nationality, '') = home then 'home'
         when nationality = 'unknown' then 'unknown' else 'international' end;

create or replace temp macro status_by_prior_education(prior_education_country, home) as
    case when prior_education_country is null then 'unknown'
         when prior_education_country = home then 'home' else 'international' end;

-- basis: nationality, prior_education or both (home by either, international by both).
create or replace temp macro international_status(
    nationality, second_nationality, prior_education_country, basis, home
) as
    case
        when basis = 'nationality' then status_by_nationality(nationality, second_nationality, home)
        when basis = 'prior_education' then status_by_prior_education(prior_education_country, home)
        when status_by_nationality(nationality, second_nationality, home) = 'home'
          or status_by_prior_education(prior_education_country, home) = 'home' then 'home'
        when status_by_nationality(nationality, second_nationality, home) = 'not_available'
            then 'not_available'
        when status_by_nationality(nationality, second_nationality, home) = 'international'
         and status_by_prior_education(prior_education_country, home) = 'international'
            then 'international'
        else 'unknown'
    end;

-- A member of the EU or the EEA on 1 October of the academic year (the KPIS.md reference
-- date), from the dated reference file etl/reference/eu_membership.csv.
-- (Parameters of a macro with a subquery must not share a name with the tables' columns.)
create or replace temp macro member_on_reference_date(of_country, of_year) as
    exists (
        select 1 from country_membership cm
        where cm.iso2 = of_country
          and make_date(of_year, 10, 1) >= cm.member_from
          and (cm.member_until is null or make_date(of_year, 10, 1) <= cm.member_until)
    );

-- Rows without a nationality (unknown, or not available in DUO-like sources) are no region:
-- they must not show up as "rest of world". EEA: a member in the year, not today.
create or replace temp macro nationality_region(
    nationality, second_nationality, academic_year, home
) as
    case when nationality = home or coalesce(second_nationality, '') = home then 'home'
         when not counted_nationality(nationality) then nationality
         when member_on_reference_date(nationality, academic_year) then 'EEA'
         else 'rest of world' end;

create or replace temp macro world_region(of_nationality) as
    coalesce((select c.continent from countries c where c.iso2 = of_nationality), 'unknown');

-- Partner region; "other EEA" by membership in the stay's (or agreement's) year.
create or replace temp macro partner_region(partner_country, cee, neighbourhood, academic_year) as
    case when partner_country is null then 'unknown'
         when cee then 'Central and Eastern Europe'
         when neighbourhood then 'EU neighbourhood'
         when member_on_reference_date(partner_country, academic_year) then 'other EEA'
         else 'rest of world' end;
