-- wrk script: each request asks for the page of a random corpus project, /simple/projNNNN/.
-- The same script (and the same seeds) drive PypiForge and nginx, so both see the same sequence.
-- BENCH_PROJECTS sets how many projects the corpus has (default 2000). Headers given with -H
-- (e.g. the PEP 691 Accept header) are kept: wrk.format() uses wrk.headers.

local threads = 0

function setup(thread)
   threads = threads + 1
   thread:set("thread_number", threads)
end

function init(args)
   math.randomseed(7919 * (tonumber(thread_number) or 1))
   projects = tonumber(os.getenv("BENCH_PROJECTS") or "2000")
end

function request()
   return wrk.format(nil, string.format("/simple/proj%04d/", math.random(1, projects)))
end
