-- Company rows of the published team_performance mart (one row per period).
select * from team_performance where scope = 'company'
