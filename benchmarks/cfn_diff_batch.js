// cloudformation-diff in batch mode: every pair of a corpus diffed in one node process.
//
//   node benchmarks/cfn_diff_batch.js BEFORE_DIR AFTER_DIR   the templates as text, as iaclint
//                                                             reads them (YAML or JSON)
//   node benchmarks/cfn_diff_batch.js PAIRS.json              already parsed ([{name, before, after}],
//                                                             from benchmarks/cfn_pairs.py): diffing only
//
// With directories, each file is read and parsed here, YAML with the `yaml` package and the
// CloudFormation short-form tags (as the CDK CLI reads a template), JSON with JSON.parse, so
// both tools do the same work: read, parse, diff. The packages are resolved the ordinary node
// way; install them outside the repository and point NODE_PATH at that node_modules
// (benchmarks/bench_cfn_peer.py does).
// Prints one JSON line: pairs diffed, resource changes seen, replacements flagged, and the
// pairs it could not parse (left out, so they flatter the peer, never iaclint).
"use strict";
const fs = require("fs");
const path = require("path");
const { fullDiff } = require("@aws-cdk/cloudformation-diff");

function cfnTags() {
  const names = ["And", "Base64", "Cidr", "Equals", "FindInMap", "GetAZs", "ImportValue", "If", "Join",
    "Not", "Or", "Select", "Split", "Sub", "Transform", "Length", "ToJsonString", "ForEach", "GetAtt",
    "Ref", "Condition"];
  const key = (n) => (n === "Ref" || n === "Condition" ? n : "Fn::" + n);
  const tags = [];
  for (const n of names) {
    tags.push({ tag: "!" + n, resolve: (s) => ({ [key(n)]: n === "GetAtt" ? s.split(/\.(.*)/s).slice(0, 2) : s }) });
    tags.push({ tag: "!" + n, collection: "seq", resolve: (s) => ({ [key(n)]: s.toJSON() }) });
    tags.push({ tag: "!" + n, collection: "map", resolve: (m) => ({ [key(n)]: m.toJSON() }) });
  }
  return tags;
}

function* pairs(args) {
  if (args.length === 1) {
    for (const p of JSON.parse(fs.readFileSync(args[0], "utf8"))) yield p;
    return;
  }
  const YAML = require("yaml");
  const options = { customTags: cfnTags(), schema: "yaml-1.1", maxAliasCount: -1, uniqueKeys: false };
  const read = (file) => {
    const text = fs.readFileSync(file, "utf8");
    return text.trimStart().startsWith("{") ? JSON.parse(text) : YAML.parse(text, options);
  };
  for (const name of fs.readdirSync(args[0]).sort()) {
    let before;
    let after;
    try {
      before = read(path.join(args[0], name));
      after = read(path.join(args[1], name));
    } catch (err) {
      unreadable.push(name);  // counted and reported: the peer did less work, never more
      continue;
    }
    yield { name, before, after };
  }
}

const unreadable = [];
let n = 0;
let changes = 0;
let replacements = 0;
for (const pair of pairs(process.argv.slice(2))) {
  const diff = fullDiff(pair.before, pair.after);
  n += 1;
  diff.resources.forEachDifference((_id, change) => {
    changes += 1;
    if (change.changeImpact === "WILL_REPLACE" || change.changeImpact === "MAY_REPLACE") replacements += 1;
  });
}
process.stdout.write(JSON.stringify({ pairs: n, changes, replacements, unreadable }) + "\n");
