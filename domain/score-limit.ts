/**
 * Every score stays within ±SCORE_LIMIT, whatever rules and adjustments add up to: a change that
 * would pass it stops there, and the ledger records the move actually made. The same range as a
 * profile's floor and ceiling. It keeps every score, and every ledger delta (at most twice the
 * limit), inside Postgres `integer` and exact as a JSON number.
 */
export const SCORE_LIMIT = 1_000_000_000;
