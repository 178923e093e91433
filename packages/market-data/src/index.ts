// Market-data providers (HTTP) and the live bar stream (WebSocket); see the modules below.
