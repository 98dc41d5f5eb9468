window.ui = SwaggerUIBundle({ url: '/docs/b2b/openapi.yaml', dom_id: '#api', deepLinking: true });
