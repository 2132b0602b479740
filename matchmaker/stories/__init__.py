"""Success stories and news: staff write them, the people named confirm them, everyone reads them."""
