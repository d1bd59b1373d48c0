"""Where partners' views diverge: stances, amendments, the board, agree-to-differ."""
