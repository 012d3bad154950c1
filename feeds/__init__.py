"""Feed documents and the Flask app that serves them."""
