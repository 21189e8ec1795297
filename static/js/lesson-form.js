// The lesson form while a routine is being generated for it: follow the job through the API and
// submit the form (now carrying the job) once the routine exists.
const form = document.getElementById("lesson-form");
const url = form && form.dataset.jobApiUrl;

async function follow() {
  for (;;) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (response.ok) {
      const job = await response.json();
      document.getElementById("job-status").textContent = job.status_label || job.status;
      document.getElementById("job-message").textContent = job.error || job.message || "";
      document.getElementById("job-progress").value = job.progress;
      if (job.status === "succeeded" || job.status === "failed") {
        form.submit(); // the server assigns the lesson, or says why it could not
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
}

if (url && !["succeeded", "failed"].includes(form.dataset.jobStatus)) follow();
