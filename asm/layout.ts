// Byte layouts of the structs the kernels read and write in shared memory. They are the FlatBuffers
// struct layouts of schema/mia.fbs (test/schema-layout.test.ts holds them equal), so a struct can go from
// memory onto the wire without translation. scripts/gen-layout.mjs mirrors this file into
// src/kernels/layout.ts for the TypeScript side; never edit the mirror by hand.

// Trade: 24 bytes. ts int64 ns, price f64, size u32 raw units, side u8, flags u8, 2 bytes padding.
export const TRADE_BYTES: i32 = 24;
export const TRADE_TS: i32 = 0;
export const TRADE_PRICE: i32 = 8;
export const TRADE_SIZE: i32 = 16;
export const TRADE_SIDE: i32 = 20;
export const TRADE_FLAGS: i32 = 21;

// Quote (L1): 32 bytes. ts int64, bid f64, ask f64, bid size u32, ask size u32.
export const QUOTE_BYTES: i32 = 32;
export const QUOTE_TS: i32 = 0;
export const QUOTE_BID: i32 = 8;
export const QUOTE_ASK: i32 = 16;
export const QUOTE_BID_SIZE: i32 = 24;
export const QUOTE_ASK_SIZE: i32 = 28;

// Bar: 168 bytes. Volumes are int64 raw size units; prices f64.
export const BAR_BYTES: i32 = 168;
export const BAR_TS_OPEN: i32 = 0;
export const BAR_OPEN: i32 = 8;
export const BAR_HIGH: i32 = 16;
export const BAR_LOW: i32 = 24;
export const BAR_CLOSE: i32 = 32;
export const BAR_VOLUME: i32 = 40;
export const BAR_BUY_VOLUME: i32 = 48;
export const BAR_SELL_VOLUME: i32 = 56;
export const BAR_CUM_DELTA: i32 = 64;
export const BAR_CUM_DELTA_HIGH: i32 = 72;
export const BAR_CUM_DELTA_LOW: i32 = 80;
export const BAR_VWAP: i32 = 88;
export const BAR_SESSION_VWAP: i32 = 96;
export const BAR_SESSION_SIGMA: i32 = 104;
export const BAR_POC: i32 = 112;
export const BAR_VAH: i32 = 120;
export const BAR_VAL: i32 = 128;
export const BAR_VA_VOLUME: i32 = 136;
export const BAR_INFERRED_VOLUME: i32 = 144;
export const BAR_TIMEFRAME_SEC: i32 = 152;
export const BAR_TRADES: i32 = 156;
export const BAR_BUY_IMBALANCES: i32 = 160;
export const BAR_SELL_IMBALANCES: i32 = 162;
export const BAR_STACKED_BUY: i32 = 164;
export const BAR_STACKED_SELL: i32 = 166;

// FootprintLevel: 40 bytes. price f64, bid/ask/volume int64 raw units, bid/ask trade counts u32.
export const LEVEL_BYTES: i32 = 40;
export const LEVEL_PRICE: i32 = 0;
export const LEVEL_BID: i32 = 8;
export const LEVEL_ASK: i32 = 16;
export const LEVEL_VOLUME: i32 = 24;
export const LEVEL_BID_TRADES: i32 = 32;
export const LEVEL_ASK_TRADES: i32 = 36;

// BookLevel: 24 bytes. price f64, size int64 raw units, orders u32, side u8, 3 bytes padding.
export const BOOK_LEVEL_BYTES: i32 = 24;
export const BOOK_LEVEL_PRICE: i32 = 0;
export const BOOK_LEVEL_SIZE: i32 = 8;
export const BOOK_LEVEL_ORDERS: i32 = 16;
export const BOOK_LEVEL_SIDE: i32 = 20;

// Grid row: one price row of a footprint/profile grid, 32 bytes. Rows are indexed by
// (absolute row − S_GRID_BASE); absolute row = roundHalfEven(price / tick).
export const ROW_BYTES: i32 = 32;
export const ROW_BID: i32 = 0;
export const ROW_ASK: i32 = 8;
export const ROW_VOLUME: i32 = 16;
export const ROW_BID_TRADES: i32 = 24;
export const ROW_ASK_TRADES: i32 = 28;

// Closed-bar ring entry: the Bar struct, where its footprint rows sit in the footprint ring, and the
// bar profile's high and low volume nodes (at most RING_NODES each, low to high).
export const RING_ENTRY_BYTES: i32 = 256;
export const RING_FP_START: i32 = 168; // i64: index of the bar's first level in the footprint ring
export const RING_FP_ROWS: i32 = 176; // i32: number of levels
export const RING_N_HVN: i32 = 180; // i32
export const RING_N_LVN: i32 = 184; // i32
export const RING_HVN: i32 = 192; // f64 × RING_NODES
export const RING_LVN: i32 = 224; // f64 × RING_NODES
export const RING_NODES: i32 = 4;

// Per-symbol kernel state block. The TS side writes the configuration and region pointers once;
// the kernels own everything else. Offsets in bytes from the block start.
export const STATE_BYTES: i32 = 4096;
export const S_TICK: i32 = 0; // f64 tick size
export const S_VA_SHARE: i32 = 8; // f64 value-area share
export const S_IMB_RATIO: i32 = 16; // f64 diagonal imbalance ratio (multiplier)
export const S_IMB_MIN: i32 = 24; // f64 imbalance minimum volume, raw units
export const S_SESSION_END: i32 = 32; // i64 next session start (ns); 0 = none yet
export const S_LAST_TS: i32 = 40; // i64 last processed trade time
export const S_CURSOR: i32 = 48; // i32 index of the next trade to process
export const S_VA_METHOD: i32 = 52; // i32 0 = cbot2, 1 = greedy1
export const S_STACKED: i32 = 56; // i32 rows for a stacked imbalance
export const S_NTF: i32 = 60; // i32 number of timeframes (index 0 is the base timeframe)
export const S_GRID_BASE: i32 = 64; // i32 absolute row stored at grid index 0
export const S_GRID_ROWS: i32 = 68; // i32 rows per grid
export const S_TAPE_PTR: i32 = 72; // u32 trade tape
export const S_SESSION_GRID: i32 = 76; // u32 session volume per row, i64 each
export const S_RING_MODE: i32 = 80; // i32 0 = stop when a reader lags (replay), 1 = overwrite (live)
export const S_FP_PTR: i32 = 84; // u32 footprint ring of FootprintLevel structs
export const S_FP_CAP: i32 = 88; // u32 footprint ring capacity in levels
export const S_EMIT_FOOTPRINT: i32 = 92; // i32 write footprint levels of emitted bars
export const S_FP_WRITE: i32 = 96; // i64 levels written so far
export const S_FP_READ: i32 = 104; // i64 levels consumed so far (written by the reader)
export const S_SESSION_OPEN: i32 = 112; // i32 1 once a session has started
export const S_SCRATCH: i32 = 116; // u32 scratch volume array (i64 per row) for merged profiles
export const S_CUM_DELTA: i32 = 120; // i64 session cumulative delta
export const S_SESS_VOL: i32 = 128; // i64 session volume
export const S_SESS_PV: i32 = 136; // f64 Σ (price − anchor) × size
export const S_SESS_P2V: i32 = 144; // f64 Σ (price − anchor)² × size
export const S_SESS_ANCHOR: i32 = 152; // f64 first price of the session
export const S_SESS_LO: i32 = 160; // i32 lowest absolute row traded this session
export const S_SESS_HI: i32 = 164; // i32 highest absolute row traded this session
export const S_SESS_INFERRED: i32 = 168; // i64 session volume with inferred side
export const S_SESS_TRADES: i32 = 176; // i64 session trades
export const S_TRADES_TOTAL: i32 = 184; // i64 trades processed since init
export const S_DETAIL: i32 = 192; // i64 detail of the last non-OK status (for example the row)
export const S_SESSION_START: i32 = 200; // i64 current session start (ns)
export const S_HVN_K: i32 = 208; // i32 smoothing half-width for HVN/LVN
export const S_HVN_MIN: i32 = 216; // f64 HVN minimum share of the smoothed maximum
export const S_TF: i32 = 256; // first timeframe block
export const TF_BYTES: i32 = 256;
export const MAX_TF: i32 = 8;

// Timeframe block (offsets from S_TF + i × TF_BYTES).
export const T_TF_NS: i32 = 0; // i64 timeframe in ns
export const T_END_NS: i32 = 8; // i64 end of the open bar; 0 when none is open
export const T_EMIT: i32 = 20; // i32 write closed bars to the ring
export const T_GRID: i32 = 24; // u32 footprint grid of the open bar
export const T_RING: i32 = 28; // u32 closed-bar ring
export const T_RING_CAP: i32 = 32; // u32 ring capacity in bars
export const T_LO: i32 = 36; // i32 lowest absolute row of the open bar
export const T_HI: i32 = 40; // i32 highest absolute row of the open bar
export const T_TRADES: i32 = 44; // u32 trades in the open bar
export const T_RING_WRITE: i32 = 48; // i64 bars written so far
export const T_RING_READ: i32 = 56; // i64 bars consumed so far (written by the reader)
export const T_TS_OPEN: i32 = 64; // i64
export const T_OPEN: i32 = 72; // f64
export const T_HIGH: i32 = 80; // f64
export const T_LOW: i32 = 88; // f64
export const T_CLOSE: i32 = 96; // f64
export const T_VOL: i32 = 104; // i64
export const T_BUY: i32 = 112; // i64
export const T_SELL: i32 = 120; // i64
export const T_CUM: i32 = 128; // i64 session cumulative delta at the last trade
export const T_CUM_HI: i32 = 136; // i64
export const T_CUM_LO: i32 = 144; // i64
export const T_PV: i32 = 152; // f64 Σ price × size
export const T_INFERRED: i32 = 160; // i64
export const T_VWAP: i32 = 168; // f64 session VWAP at the last trade
export const T_SIGMA: i32 = 176; // f64 session σ at the last trade
export const T_TF_SEC: i32 = 184; // i32 timeframe in seconds

// Kernel status codes (returned by process/flush; mapped to MIA_ERR_* by the glue).
export const ST_OK: i32 = 0; // every committed trade processed
export const ST_SESSION_ROLL: i32 = 1; // the next trade starts a new session: call sessionRoll
export const ST_OUTPUT_FULL: i32 = 2; // a closed-bar or footprint ring is full: drain, then call again
export const ST_OUT_OF_GRID: i32 = 3; // a row fell outside the grid: recenter, then call again
export const ST_OUT_OF_ORDER: i32 = 4; // a trade is earlier than the one before
export const ST_BAD_CONFIG: i32 = 5; // the state block's configuration is invalid

// Snapshot output: one Bar per timeframe (the open bar merged with the base bar), then the session profile.
export const SNAP_SESSION: i32 = 0; // offset of the session block inside a snapshot output region
export const SP_POC: i32 = 0; // f64
export const SP_VAH: i32 = 8; // f64
export const SP_VAL: i32 = 16; // f64
export const SP_VA_VOLUME: i32 = 24; // i64
export const SP_TOTAL: i32 = 32; // i64
export const SP_VWAP: i32 = 40; // f64
export const SP_SIGMA: i32 = 48; // f64
export const SP_CUM_DELTA: i32 = 56; // i64
export const SP_INFERRED: i32 = 64; // i64
export const SP_N_HVN: i32 = 72; // i32
export const SP_N_LVN: i32 = 76; // i32
export const SP_HVN: i32 = 80; // f64 × MAX_NODES
export const SP_LVN: i32 = 208; // f64 × MAX_NODES
export const MAX_NODES: i32 = 16;
export const SP_BYTES: i32 = 336;
export const SNAP_BARS: i32 = 336; // first Bar of the per-timeframe block

// Written by the tape writer with Atomics.store, read by whoever runs the kernel (Atomics.load):
// the number of trades committed to the tape. Outside the kernel's fields, inside the state block.
export const S_COMMITTED: i32 = 224; // i32
export const S_TAPE_CAP: i32 = 228; // i32 tape capacity in trades
export const S_SESSION_KIND: i32 = 232; // i32 session anchor: 0 utc, 1 globex, 2 rth (read by the runner)
export const S_TICK_NUM: i32 = 240; // f64 tick size = S_TICK_NUM / S_TICK_DEN, both integers (0.1 = 1/10)
export const S_TICK_DEN: i32 = 248; // f64 power of ten: a row's price is row × num / den, the exact decimal

// DBN decoder block (asm/dbn-trades.ts): what the reader hands the decoder and what it hands back, at the
// start of the plan's input region (the records read from the file follow it). Offsets in bytes.
export const DB_BYTES: i32 = 64;
export const DB_LAST_TS: i32 = 0; // i64 in/out: time of the last trade taken (ns)
export const DB_INSTRUMENT: i32 = 8; // i64 in: the instrument id whose trades are taken; -1 = none yet
export const DB_PRICE_MIN: i32 = 16; // f64 in: lowest plausible price (inclusive)
export const DB_PRICE_MAX: i32 = 24; // f64 in: highest plausible price (inclusive)
export const DB_MODE: i32 = 32; // i32 in: DBN_FIRST, DBN_ANY or DBN_ONE
export const DB_SIDED_FLAGS: i32 = 36; // i32 in: flags byte of a trade with a side (TradeFlag)
export const DB_TAPE: i32 = 40; // u32 in: the tape's first Trade struct
export const DB_COUNT: i32 = 44; // u32 in/out: trades on the tape
export const DB_CAPACITY: i32 = 48; // u32 in: tape count at which to stop (at most the trades the tape holds)
export const DB_RECORDS: i32 = 52; // u32 out: records passed (trades and ignored ones)
export const DB_IGNORED: i32 = 56; // u32 out: records passed that are not trades to take
export const DB_STOP: i32 = 60; // i32 out: why the decoder stopped (DBN_STOP_*)

// DB_MODE: which instruments' trades the decoder takes.
export const DBN_FIRST: i32 = 0; // DB_INSTRUMENT's; a trade of another (or any, at -1) is the reader's
export const DBN_ANY: i32 = 1; // every instrument's
export const DBN_ONE: i32 = 2; // DB_INSTRUMENT's; other instruments' trades are ignored

// DB_STOP: where the decoder stopped.
export const DBN_STOP_MORE: i32 = 0; // the bytes end (or end inside the record at the returned offset)
export const DBN_STOP_FULL: i32 = 1; // DB_COUNT reached DB_CAPACITY (right after the trade that filled it)
export const DBN_STOP_RECORD: i32 = 2; // the record at the returned offset is not a plain good trade: the reader's
