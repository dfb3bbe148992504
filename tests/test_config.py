from kit import config, fanout


def test_reset_restores_defaults_and_functions_read_config_at_call_time():
    default = config.FANOUT_TRIALS
    config.FANOUT_TRIALS = 7
    try:
        assert fanout.simulate([1], seed=1).trials == 7
    finally:
        config.reset()
    assert config.FANOUT_TRIALS == default
    assert fanout.simulate([1], seed=1).trials == default
