// Package bayes is the site's statistical content classifier, in the way of
// SpamAssassin's and rspamd's Bayes: a tokenizer turns a message's subject,
// body text and links into hashed features (multilingual words, their
// accent-free forms, character pairs for scripts without spaces, rspamd's
// orthogonal sparse bigrams, link hosts, domains and path segments); a model
// counts how many learned phishing and legitimate messages held each
// feature and combines a message's strongest clues with Robinson's f(w) and
// Fisher's chi-square method into a probability it can explain. The model
// lives in a Repository (package store), shared by every node (Live follows
// its changes), is
// taught through Learner (the CLI, quarantine decisions, autolearn) and
// votes only once it has learned MinLearned messages of each class. Every
// input is bounded: bytes read and features per message, features held in
// the store and in memory (docs/bayes.md).
package bayes
