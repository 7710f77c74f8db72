// Starts Swagger UI on /api/docs. A file rather than an inline script so the docs page's
// Content-Security-Policy can allow scripts from our own origin only.
window.addEventListener('load', function () {
  var container = document.getElementById('swagger-ui-container')
  var config = { url: container.dataset.specUrl, dom_id: '#swagger-ui-container' }
  Object.assign(config, JSON.parse(container.dataset.config || '{}'))
  window.ui = SwaggerUIBundle(config)
})
