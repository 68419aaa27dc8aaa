{% load static %}// Keeps the agendas a person has opened, and what they need, readable offline.
const CACHE = "karvan-agenda-v1";
const ASSETS = [
  "{% static 'vendor/bootstrap/css/bootstrap.min.css' %}",
  "{% static 'vendor/bootstrap/css/bootstrap.rtl.min.css' %}",
  "{% static 'vendor/fonts/fonts.css' %}",
  "{% static 'karvan/karvan.css' %}",
  "{% static 'events/print.css' %}",
  "{% static 'events/events.js' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function isAgenda(url) {
  return /\/events\/registrations\/\d+\/agenda\/$/.test(url.pathname) || /\/events\/meetings\/\d+\/$/.test(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isAgenda(url)) {
    // Network first, so the agenda is fresh when online; the last copy when offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request))
    );
  } else if (url.pathname.startsWith("{% get_static_prefix %}")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
