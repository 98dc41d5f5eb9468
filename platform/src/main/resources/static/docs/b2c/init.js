window.ui = SwaggerUIBundle({ url: '/docs/b2c/openapi.yaml', dom_id: '#api', deepLinking: true });
