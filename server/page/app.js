// app.js - the search page (placeholder until the page lands).
