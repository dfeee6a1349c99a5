-- The publication the site was built from (as-of date, cadence, run id).
select * from publication
