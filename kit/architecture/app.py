GraphApp = MonolithApp = StranglerApp = None
