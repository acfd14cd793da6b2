/** Named ids of the trading fixtures. */
export {};
