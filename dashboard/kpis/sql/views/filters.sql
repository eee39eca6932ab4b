-- The filter selection as macros over bound parameters. Every KPI's SQL applies them to each
-- source it reads:
--     in_years(year, $year_from, $year_to)     the academic year range (open ends allowed)
--     chosen(value, $faculties)                an empty choice means every value
--     in_scope(faculty, $scoped, $allowed_faculties)
--         the signed-in user's faculties: rows of no faculty drop out of a restricted scope
-- The query layer binds an empty choice for a filter the KPI does not honour.

create or replace temp macro in_years(academic_year, year_from, year_to) as
    (year_from is null or academic_year >= year_from)
    and (year_to is null or academic_year <= year_to);

create or replace temp macro chosen(value, choices) as
    (len(choices) = 0 or list_contains(choices, value));

create or replace temp macro in_scope(faculty, scoped, allowed_faculties) as
    (not scoped or coalesce(list_contains(allowed_faculties, faculty), false));
