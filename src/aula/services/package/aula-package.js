/* Aula lesson package: grades the checks in the page and reports to the LMS.
   SCORM 1.2 (window.API), SCORM 2004 (window.API_1484_11), found in a parent frame or the
   opener as the specifications say, or cmi5 (xAPI, from the launch URL's parameters).
   Without an LMS the lesson still works: nothing is reported. */
(function () {
  "use strict";
  var key = JSON.parse(document.getElementById("aula-key").textContent);
  var standard = document.documentElement.getAttribute("data-standard");
  var ids = Object.keys(key.questions);
  var total = ids.length;
  var firstTry = {};   // question id -> right on the first try
  var right = {};      // question id -> answered right at least once
  var interactions = 0;
  var finished = false;

  function findAPI(name) {
    var win = window, tries = 0;
    while (win && tries < 20) {
      if (win[name]) { return win[name]; }
      if (win.parent === win) { break; }
      win = win.parent; tries += 1;
    }
    if (window.opener && window.opener[name]) { return window.opener[name]; }
    return null;
  }

  var lms = null;
  if (standard === "scorm12") {
    var api12 = findAPI("API");
    if (api12) {
      lms = {
        start: function () {
          api12.LMSInitialize("");
          var status = api12.LMSGetValue("cmi.core.lesson_status");
          if (status === "not attempted" || status === "") {
            api12.LMSSetValue("cmi.core.lesson_status", "incomplete");
          }
        },
        answer: function (n, id, chosen, correct, ok) {
          var p = "cmi.interactions." + n + ".";
          api12.LMSSetValue(p + "id", id);
          api12.LMSSetValue(p + "type", "choice");
          api12.LMSSetValue(p + "correct_responses.0.pattern", correct.join(","));
          api12.LMSSetValue(p + "student_response", chosen.join(","));
          api12.LMSSetValue(p + "result", ok ? "correct" : "wrong");
          api12.LMSCommit("");
        },
        score: function (scaled, done, passed) {
          api12.LMSSetValue("cmi.core.score.min", "0");
          api12.LMSSetValue("cmi.core.score.max", "100");
          api12.LMSSetValue("cmi.core.score.raw", String(Math.round(scaled * 100)));
          if (done) { api12.LMSSetValue("cmi.core.lesson_status", passed ? "passed" : "failed"); }
          api12.LMSCommit("");
        },
        finish: function () { api12.LMSFinish(""); }
      };
    }
  } else if (standard === "scorm2004") {
    var api = findAPI("API_1484_11");
    if (api) {
      lms = {
        start: function () {
          api.Initialize("");
          if (api.GetValue("cmi.completion_status") !== "completed") {
            api.SetValue("cmi.completion_status", "incomplete");
          }
        },
        answer: function (n, id, chosen, correct, ok) {
          var p = "cmi.interactions." + n + ".";
          api.SetValue(p + "id", "urn:aula:question:" + id);
          api.SetValue(p + "type", "choice");
          api.SetValue(p + "correct_responses.0.pattern", correct.join("[,]"));
          api.SetValue(p + "learner_response", chosen.join("[,]"));
          api.SetValue(p + "result", ok ? "correct" : "incorrect");
          api.SetValue(p + "timestamp", new Date().toISOString().slice(0, 19));
          api.Commit("");
        },
        score: function (scaled, done, passed) {
          api.SetValue("cmi.score.min", "0");
          api.SetValue("cmi.score.max", "100");
          api.SetValue("cmi.score.raw", String(Math.round(scaled * 100)));
          api.SetValue("cmi.score.scaled", String(scaled));
          api.SetValue("cmi.progress_measure", String(Object.keys(right).length / total));
          if (done) {
            api.SetValue("cmi.completion_status", "completed");
            api.SetValue("cmi.success_status", passed ? "passed" : "failed");
          }
          api.Commit("");
        },
        finish: function () { api.Terminate(""); }
      };
    }
  } else if (standard === "cmi5") {
    lms = cmi5();
  }

  /* cmi5: the LMS launches the page with endpoint, fetch, actor, registration and activityId;
     the fetch URL gives the xAPI authorization once. Statements follow cmi5's rules:
     initialized first, answers (allowed: they are not cmi5-defined), then completed and
     passed or failed, terminated last. */
  function cmi5() {
    var q = new URLSearchParams(window.location.search);
    var endpoint = q.get("endpoint"), fetchUrl = q.get("fetch");
    if (!endpoint || !fetchUrl) { return null; }
    var actor = JSON.parse(q.get("actor") || "{}");
    var registration = q.get("registration"), activity = q.get("activityId");
    var auth = null, queue = Promise.resolve(), reported = false;
    var cmi5Category = { id: "https://w3id.org/xapi/cmi5/context/categories/cmi5" };
    var moveOn = { id: "https://w3id.org/xapi/cmi5/context/categories/moveon" };
    var session = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now());
    function uuid() {
      return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() :
        "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx".replace(/x/g, function () {
          return Math.floor(Math.random() * 16).toString(16);
        });
    }
    function send(verb, extra, categories) {
      var statement = {
        id: uuid(), actor: actor, timestamp: new Date().toISOString(),
        verb: { id: "http://adlnet.gov/expapi/verbs/" + verb, display: { "en-US": verb } },
        object: { id: activity, objectType: "Activity" },
        context: {
          registration: registration,
          contextActivities: { category: categories || [] },
          extensions: { "https://w3id.org/xapi/cmi5/context/extensions/sessionid": session }
        }
      };
      Object.keys(extra || {}).forEach(function (k) { statement[k] = extra[k]; });
      queue = queue.then(function () {
        return fetch(endpoint.replace(/\/?$/, "/") + "statements", {
          method: "POST",
          headers: { "Authorization": auth, "X-Experience-API-Version": "1.0.3",
                     "Content-Type": "application/json" },
          body: JSON.stringify(statement)
        });
      });
      return queue;
    }
    return {
      start: function () {
        queue = fetch(fetchUrl, { method: "POST" }).then(function (r) { return r.json(); })
          .then(function (body) { auth = "Basic " + body["auth-token"]; });
        send("initialized", {}, [cmi5Category]);
      },
      answer: function (n, id, chosen, correct, ok) {
        send("answered", {
          object: { id: activity + "#question-" + id, objectType: "Activity", definition: {
            type: "http://adlnet.gov/expapi/activities/cmi.interaction",
            interactionType: "choice", correctResponsesPattern: [correct.join("[,]")] } },
          result: { success: ok, response: chosen.join("[,]") }
        }, []);
      },
      score: function (scaled, done, passed) {
        // cmi5 allows one completed and one passed/failed per registration: the first time.
        if (!done || reported) { return; }
        reported = true;
        send("completed", { result: { completion: true } }, [cmi5Category, moveOn]);
        send(passed ? "passed" : "failed",
          { result: { success: passed, score: { scaled: scaled } } }, [cmi5Category, moveOn]);
      },
      finish: function () { send("terminated", {}, [cmi5Category]); }
    };
  }

  function report(fn) {
    if (!lms) { return; }
    try { fn(); } catch (e) { if (window.console) { console.warn("LMS:", e); } }
  }

  function scaled() {
    var n = 0;
    ids.forEach(function (id) { if (firstTry[id]) { n += 1; } });
    return total ? Math.round((n / total) * 10000) / 10000 : 1;
  }

  function update() {
    var done = Object.keys(right).length;
    var s = scaled();
    document.getElementById("status").textContent =
      done + " / " + total + " questions answered right · score " + Math.round(s * 100) + "%";
    report(function () { lms.score(s, done === total, s >= key.passing); });
  }

  function check(event) {
    event.preventDefault();
    var form = event.target;
    var id = form.getAttribute("data-question");
    var info = key.questions[id];
    var chosen = Array.prototype.slice.call(form.querySelectorAll("input:checked"))
      .map(function (i) { return i.value; }).sort();
    var box = form.querySelector(".feedback");
    if (!chosen.length) { box.textContent = "Choose an answer first."; return; }
    var ok = chosen.join(",") === info.correct.slice().sort().join(",");
    if (!(id in firstTry)) { firstTry[id] = ok; }
    if (ok) { right[id] = true; }
    var html = chosen.map(function (c) { return info.feedback[c] || ""; }).join("");
    box.innerHTML = "<p class='verdict'>" + (ok ? "Right." : "Not quite: try again.") + "</p>" +
      html + (ok ? info.explanation : "");
    form.className = "question " + (ok ? "right" : "wrong");
    var n = interactions; interactions += 1;
    report(function () { lms.answer(n, id, chosen, info.correct, ok); });
    update();
  }

  function finish() {
    if (finished) { return; }
    finished = true;
    update();
    report(function () { lms.finish(); });
    document.getElementById("finished").textContent =
      "Finished: " + Object.keys(right).length + " of " + total + " answered right, score " +
      Math.round(scaled() * 100) + "%.";
  }

  report(function () { lms.start(); });
  Array.prototype.forEach.call(document.querySelectorAll("form.question"), function (f) {
    f.addEventListener("submit", check);
  });
  document.getElementById("finish").addEventListener("click", finish);
  window.addEventListener("pagehide", function () { if (!finished) { finish(); } });
}());
