// Make Evidence build (and `evidence sources`) work without internet access.
//
// Evidence 40 loads source data into DuckDB-WASM with read_parquet(). DuckDB-WASM >= 1.29 does not
// ship the parquet extension; it downloads it from extensions.duckdb.org on first use, which hangs
// forever on a machine without internet (build stops at "Updating Parquet URLs").
// This script rewrites two files of @evidence-dev/universal-sql so that parquet files are decoded
// with parquet-wasm (already a dependency of universal-sql) and loaded through Arrow IPC, which
// DuckDB-WASM supports natively. Run automatically from `postinstall`; idempotent; fails loudly
// if the installed package no longer contains the code it expects.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MARK = '/* salespulse-offline-patch */';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usql = path.join(root, 'node_modules', '@evidence-dev', 'universal-sql');
const EXPECTED_VERSION = '3.0.1';

/** @param {string} rel @param {[string, string][]} edits */
function patch(rel, edits) {
	const file = path.join(usql, rel);
	let text = fs.readFileSync(file, 'utf8');
	if (text.includes(MARK)) {
		console.log(`[offline-patch] ${rel}: already patched`);
		return;
	}
	for (const [from, to] of edits) {
		const n = text.split(from).length - 1;
		if (n !== 1) {
			throw new Error(`[offline-patch] ${rel}: expected 1 occurrence of anchor, found ${n}:\n${from}`);
		}
		text = text.replace(from, () => to);
	}
	fs.writeFileSync(file, `${MARK}\n${text}`);
	console.log(`[offline-patch] ${rel}: patched`);
}

if (!fs.existsSync(usql)) {
	console.log('[offline-patch] @evidence-dev/universal-sql not installed; nothing to do');
	process.exit(0);
}
const { version } = JSON.parse(fs.readFileSync(path.join(usql, 'package.json'), 'utf8'));
if (version !== EXPECTED_VERSION) {
	console.warn(`[offline-patch] universal-sql ${version} != ${EXPECTED_VERSION}; trying anyway`);
}

// 1. Build/prerender (Node): load each parquet file as a table instead of a read_parquet() view.
patch('src/client-duckdb/node.js', [
	[
		"import { withTimeout } from './both.js';",
		"import { withTimeout } from './both.js';\n" +
			"import { readFileSync } from 'fs';\n" +
			"import { readParquet } from 'parquet-wasm/node/arrow1.js';"
	],
	[
		`			db.registerFileURL(
				file_name,
				url.split(pathDelimiterRegex).join(path.sep),
				DuckDBDataProtocol.NODE_FS,
				false
			);
			connection.query(
				\`CREATE OR REPLACE VIEW "\${source}"."\${table}" AS (SELECT * FROM read_parquet('\${file_name}'));\`
			);`,
		`			// offline: decode parquet with parquet-wasm, insert via Arrow IPC (no extension download)
			const bytes = readFileSync(url.split(pathDelimiterRegex).join(path.sep));
			const ipc = readParquet(new Uint8Array(bytes)).intoIPCStream();
			connection.query(\`DROP TABLE IF EXISTS "\${source}"."\${table}";\`);
			connection.insertArrowFromIPCStream(ipc, { schema: source, name: table, create: true });`
	]
]);

// 2. `evidence sources`: merge the per-batch parquet files without DuckDB-WASM's read_parquet().
patch('src/build-parquet.js', [
	[
		"import chunk from 'lodash.chunk';",
		"import chunk from 'lodash.chunk';\n" +
			"import { readParquet } from 'parquet-wasm/node/arrow1.js';\n" +
			"import { tableFromIPC, Table as ArrowTable } from 'apache-arrow';"
	],
	[
		`	await fs.mkdir(path.dirname(outputFilepath), { recursive: true });
	await query(copy);`,
		`	await fs.mkdir(path.dirname(outputFilepath), { recursive: true });
	void copy;
	void query;
	if (tmpFilenames.length === 1) {
		await fs.copyFile(tmpFilenames[0], outputFilepath);
	} else {
		const batches = [];
		for (const f of tmpFilenames) {
			const ipc = readParquet(new Uint8Array(await fs.readFile(f))).intoIPCStream();
			batches.push(...tableFromIPC(ipc).batches);
		}
		const merged = tableToIPC(new ArrowTable(batches), 'stream');
		const props = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
		await fs.writeFile(outputFilepath, writeParquet(Table.fromIPCStream(merged), props));
	}`
	]
]);
