# Summarise the listings by category: how many, the mean and the median price.
listings <- read.csv("/workspace/listings.csv", stringsAsFactors = FALSE)
by_category <- do.call(rbind, lapply(split(listings, listings$category), function(d) {
  data.frame(category = d$category[1], listings = nrow(d),
             mean_price = round(mean(d$price), 2), median_price = median(d$price))
}))
by_category <- by_category[order(-by_category$listings, by_category$category), ]
write.csv(by_category, "/workspace/summary.csv", row.names = FALSE)
print(by_category, row.names = FALSE)

# Variables for the next task: numbers, and the cheapest category by mean price.
cheapest <- by_category$category[which.min(by_category$mean_price)]
cat(sprintf('{"meanPrice": %.2f, "categories": %d, "cheapestCategory": "%s"}',
            mean(listings$price), nrow(by_category), cheapest),
    file = Sys.getenv("PIPELANE_OUTPUT"))
