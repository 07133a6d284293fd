# Sourced by the LSTM experiment drivers (lstm_input_resolution.sh, lstm_asymmetry.sh, lstm_dropout.sh): the
# binary and the training schedule they share, each overridable from the environment.
IMCSIM=${IMCSIM:-build/apps/imcsim}
SEEDS=${SEEDS:-1 2 3}
EPOCHS=${EPOCHS:-2}
BATCH=${BATCH:-10}
LR=${LR:-0.01}
BL=${BL:-31}
THREADS=${THREADS:-2}
TRAIN_IMAGES=${TRAIN_IMAGES:-0}
