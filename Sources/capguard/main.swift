print("capguard")
