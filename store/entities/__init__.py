"""Companies and tickers: the directory, matching, and linking items to what they are about."""
