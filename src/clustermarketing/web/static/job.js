/* One job's page: progress while it runs, then its results. */
"use strict";

(async () => {
  const id = document.getElementById("job-id").textContent.trim();
  const problem = document.getElementById("problem");
  try {
    const job = await CM.waitJob(id, document.getElementById("job"));
    await Results.render(job, document.getElementById("results"));
  } catch (e) {
    CM.showProblem(problem, e);
  }
})();
