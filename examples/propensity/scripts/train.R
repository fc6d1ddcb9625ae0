# Train the propensity model: a logistic regression on 70% of the rows,
# evaluated by its AUC on the other 30%. Writes the model, an HTML report for
# the approver, and {auc, modelVersion} as output. Base R only.
d <- read.csv("/workspace/customers.csv")
set.seed(42)
idx <- sample(nrow(d), floor(0.7 * nrow(d)))
train <- d[idx, ]
test <- d[-idx, ]
fit <- glm(converted ~ tenure_months + visits_30d + spend_90d, data = train, family = binomial())
p <- predict(fit, test, type = "response")

# AUC as the Mann-Whitney statistic: the chance a buyer scores above a non-buyer.
pos <- test$converted == 1
r <- rank(p)
auc <- (sum(r[pos]) - sum(pos) * (sum(pos) + 1) / 2) / (sum(pos) * sum(!pos))

version <- sprintf("v%s-%d", format(Sys.time(), "%Y%m%d"), nrow(d))
saveRDS(fit, "/workspace/model.rds")

coefs <- summary(fit)$coefficients
rows <- paste(sprintf("<tr><td>%s</td><td>%.4f</td><td>%.4f</td></tr>", rownames(coefs), coefs[, 1], coefs[, 4]), collapse = "\n")
html <- c(
  "<!doctype html><html><head><meta charset=\"utf-8\"><title>Propensity model report</title></head><body>",
  sprintf("<h1>Propensity model %s</h1>", version),
  sprintf("<p>Trained on %d rows, tested on %d. AUC on the test rows: <b>%.3f</b>.</p>", nrow(train), nrow(test), auc),
  "<table border=\"1\"><tr><th>term</th><th>estimate</th><th>p-value</th></tr>", rows, "</table>",
  "</body></html>"
)
writeLines(html, "/workspace/report.html")
cat(sprintf("trained %s: AUC %.3f\n", version, auc))
cat(sprintf("{\"auc\": %.4f, \"modelVersion\": \"%s\"}", auc, version), file = Sys.getenv("PIPELANE_OUTPUT"))
