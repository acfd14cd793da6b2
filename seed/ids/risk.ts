/** Named ids of the risk fixtures. */
export {};
