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
