// Uploads a file with tus-js-client's Node build, the way bunny's documentation shows: the
// presigned headers on every request, bunny's metadata, retries after a network error.
// Prints one JSON line per request it makes, then {"done": url} or {"error": message}.
// node tus_upload.cjs ENDPOINT FILE HEADERS_JSON METADATA_JSON   (NODE_PATH: var/npm/node_modules)
const fs = require("fs");
const tus = require("tus-js-client");

const [endpoint, path, headers, metadata] = process.argv.slice(2);
const log = (event) => process.stdout.write(JSON.stringify(event) + "\n");

const upload = new tus.Upload(fs.readFileSync(path), {
  endpoint,
  retryDelays: [0, 500, 1000, 2000, 4000],
  headers: JSON.parse(headers),
  metadata: JSON.parse(metadata),
  onBeforeRequest(request) {
    log({ method: request.getMethod(), offset: request.getHeader("Upload-Offset") ?? null });
  },
  onError(error) {
    log({ error: String(error) });
    process.exitCode = 1;
  },
  onSuccess() {
    log({ done: upload.url });
  },
});
upload.start();
