"""What real Keras layers do, measured without the package's arithmetic: the quiz's proofs,
the exercises' checks of learners' functions and the tests ask Keras through here."""
