// Parse each playlist named on the command line with hls-parser in its strict mode, which throws
// where a lenient player would guess; print one JSON line per file: {"file", "error"}.
// Usage: node hls_strict.js <path to the hls-parser package> <playlist>...
const fs = require("fs");
const HLS = require(process.argv[2]);

HLS.setOptions({ strictMode: true, silent: true });
for (const file of process.argv.slice(3)) {
  let error = null;
  try {
    HLS.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    error = e.message;
  }
  console.log(JSON.stringify({ file, error }));
}
